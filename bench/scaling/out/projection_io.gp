set terminal pngcairo size 1100,480 font 'DejaVu Sans,11'
set output 'bench/scaling/out/projection_io.png'
set multiplot layout 1,2 title 'Weak scaling projected with data work and stragglers (IB 2 us, 12.5 GB/s; batch 128 per rank)'
set logscale x 2
set xrange [2:1024]
set yrange [0:1.05]
set grid
set xlabel 'ranks P'
set ylabel 'efficiency'
set key bottom left font ',9'
set title 'vae'
plot 'bench/scaling/out/projection_io_plot.dat' index 0 using 1:2 with linespoints lw 2 dt 2 lc rgb '#d62728' title 'gzip, before', '' index 0 using 1:3 with linespoints lw 2 lc rgb '#d62728' title 'gzip, after', '' index 0 using 1:4 with linespoints lw 2 dt 2 lc rgb '#1f77b4' title 'uncompressed, before', '' index 0 using 1:5 with linespoints lw 2 lc rgb '#1f77b4' title 'uncompressed, after'
set title 'dcgan'
plot 'bench/scaling/out/projection_io_plot.dat' index 1 using 1:2 with linespoints lw 2 dt 2 lc rgb '#d62728' title 'gzip, before', '' index 1 using 1:3 with linespoints lw 2 lc rgb '#d62728' title 'gzip, after', '' index 1 using 1:4 with linespoints lw 2 dt 2 lc rgb '#1f77b4' title 'uncompressed, before', '' index 1 using 1:5 with linespoints lw 2 lc rgb '#1f77b4' title 'uncompressed, after'
unset multiplot
